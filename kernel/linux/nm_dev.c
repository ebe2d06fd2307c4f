// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * nm_dev.c - the /dev/netmap character device: open, release, ioctl, mmap, poll.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/uaccess.h>

#include "../nm_os.h"
#include "../core/nm_ctrl.h"
#include "nm_linux.h"

/* Per-open state. It gains the bound port when REGISTER is implemented. */
struct nm_dev_priv {
	int unused;
};

static int nm_dev_open(struct inode *inode, struct file *file)
{
	struct nm_dev_priv *priv;

	priv = nm_os_zalloc(sizeof(*priv));
	if (!priv)
		return -ENOMEM;
	file->private_data = priv;
	return 0;
}

static int nm_dev_release(struct inode *inode, struct file *file)
{
	nm_os_free(file->private_data);
	file->private_data = NULL;
	return 0;
}

static long nm_dev_ioctl_ctrl(void __user *uarg)
{
	struct nmreq_header hdr;
	long err;

	if (!uarg)
		return -EINVAL;
	if (copy_from_user(&hdr, uarg, sizeof(hdr)))
		return -EFAULT;
	err = nm_ctrl_request(&hdr);
	/* The header goes back also on failure (option statuses, names). */
	hdr.nr_reserved = 0;
	if (copy_to_user(uarg, &hdr, sizeof(hdr)))
		return -EFAULT;
	return err;
}

static long nm_dev_ioctl_legacy(unsigned int cmd, void __user *uarg)
{
	struct nmreq req;

	if (!uarg)
		return -EINVAL;
	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	/* Legacy requests accept any version from 14 on, without upper bound. */
	if (req.nr_version < NETMAP_API)
		return -EINVAL;
	/* Translation to NIOCCTRL requests comes with REGISTER. */
	return -EOPNOTSUPP;
}

static long nm_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case NIOCCTRL:
		return nm_dev_ioctl_ctrl(uarg);
	case NIOCREGIF:
	case NIOCGINFO:
		return nm_dev_ioctl_legacy(cmd, uarg);
	case NIOCTXSYNC:
	case NIOCRXSYNC:
		/* No fd can be bound to a port yet. */
		return -ENXIO;
	default:
		return -EOPNOTSUPP;
	}
}

#ifdef CONFIG_COMPAT
static long nm_dev_compat_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	/* Every argument is laid out identically for 32-bit callers. */
	return nm_dev_ioctl(file, cmd, (unsigned long)compat_ptr(arg));
}
#endif

static int nm_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	/* Only a bound fd has a memory region to map. */
	return -EINVAL;
}

static __poll_t nm_dev_poll(struct file *file, poll_table *wait)
{
	return EPOLLERR;
}

static const struct file_operations nm_dev_fops = {
	.owner		= THIS_MODULE,
	.open		= nm_dev_open,
	.release	= nm_dev_release,
	.unlocked_ioctl	= nm_dev_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl	= nm_dev_compat_ioctl,
#endif
	.mmap		= nm_dev_mmap,
	.poll		= nm_dev_poll,
	.llseek		= noop_llseek,
};

static struct miscdevice nm_dev_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "netmap",
	.fops	= &nm_dev_fops,
	/* Raw access to the switch is root's; valed hands out ports. */
	.mode	= 0600,
};

int nm_dev_init(void)
{
	int err = misc_register(&nm_dev_misc);

	if (err)
		pr_err("netmap: cannot register /dev/netmap: %d\n", err);
	return err;
}

void nm_dev_fini(void)
{
	misc_deregister(&nm_dev_misc);
}
